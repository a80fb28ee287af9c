ipvsadm -R <<EOF
-A -t 10.10.0.100:80 -s rr
-A -t 10.10.0.100:80 -s rr
-a -t 10.10.0.101:80 -r 10.20.0.11
-A -t 10.10.0.102:80
EOF
ipvsadm -Sn
