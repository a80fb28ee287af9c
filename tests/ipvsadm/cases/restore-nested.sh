ipvsadm -R <<EOF
-A -t 10.10.0.1:80 -s rr
-L -n
EOF
