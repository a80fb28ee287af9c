ipvsadm -A -t 10.10.0.9:80
ipvsadm-restore <<EOF
# saved
-A -t 10.10.0.100:80 -s rr
-a -t 10.10.0.100:80 -r 10.20.0.11:80 -m -w 1
#-A -t 10.10.0.101:80
EOF
ipvsadm -Sn
