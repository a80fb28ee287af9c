ipvsadm -A -t 10.10.0.9:80
ipvsadm -R <<EOF
-A -t 10.10.0.100:80 -s rr
-a -t 10.10.0.100:80 -r 10.20.0.11:80 -m -w 1
-a -t 10.10.0.100:80 -r 10.20.0.12:80 -m -w 2
ipvsadm -A -f 3 -s sh -b sh-port

-A -u 10.10.0.100:53 -p 300
EOF
ipvsadm -Sn
